import { tierGlobalSetup } from "../../harness/vitest/index.ts";

export default tierGlobalSetup("e2e");
