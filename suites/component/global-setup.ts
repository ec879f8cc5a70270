import { tierGlobalSetup } from "../../harness/vitest/index.ts";

export default tierGlobalSetup("component");
