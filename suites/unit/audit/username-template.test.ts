import { describe, expect, it } from "vitest";
import { POSTGRES_DEFAULT_TEMPLATE, templateMatcher } from "../../../harness/audit/username-template.ts";

const matcher = (template: string, role = "payments-api") => {
  const m = templateMatcher(template, role);
  if (!("pattern" in m)) throw new Error(`unhandled: ${m.unhandled}`);
  return new RegExp(m.pattern);
};

describe("Vault username templates as role-name matchers", () => {
  it("the postgres plugin's default matches the names Vault issues for the role, whatever the token's display name", () => {
    const re = matcher(POSTGRES_DEFAULT_TEMPLATE);
    // names as pg_roles lists them for role payments-api (display names kubernetes-…, token, and an empty one)
    for (const name of ["v-kubernet-payments-Yp3ZkG1vQ8wXcN2tR5sH-1796141350", "v-token-payments-b8TqW2eLr6NxV4cK1zPy-1796141380", "v--payments-Mv5Js0aQe3RtY7uI2oP4-1796141405"]) {
      expect(name).toMatch(re);
    }
    for (const name of ["legacy_report", "postgres", "v-kubernet-reportin-Yp3ZkG1vQ8wXcN2tR5sH-1796141350", "v-kubernet-payments-Yp3ZkG1vQ8wXcN2tR5s-1796141350", "v-kubernetes-payments-Yp3ZkG1vQ8wXcN2tR5sH-1796141350"]) {
      expect(name).not.toMatch(re);
    }
  });

  it("a role name shorter than 8 bytes is kept whole; a longer one is cut to 8", () => {
    expect("v-kubernet-app-Yp3ZkG1vQ8wXcN2tR5sH-1796141350").toMatch(matcher(POSTGRES_DEFAULT_TEMPLATE, "app"));
    expect("v-kubernet-app-Yp3ZkG1vQ8wXcN2tR5sH-1796141350").not.toMatch(matcher(POSTGRES_DEFAULT_TEMPLATE, "app2"));
  });

  it("custom templates: text around actions, lowercase, uuid, unix_time_millis, trim markers", () => {
    expect("myorg_payments-api_a1b2c3d4").toMatch(matcher("myorg_{{.RoleName}}_{{random 8 | lowercase}}"));
    expect("myorg_payments-api_A1b2c3d4").not.toMatch(matcher("myorg_{{.RoleName}}_{{random 8 | lowercase}}"));
    expect("PAYMENTS-API-1796141350123").toMatch(matcher("{{ .RoleName | uppercase }}-{{unix_time_millis}}"));
    expect("svc-0f8e2c1a-9b7d-4e6f-8a5b-3c2d1e0f9a8b").toMatch(matcher("svc-{{ uuid }}"));
    expect("a-payments-api").toMatch(matcher("a- {{- .RoleName }}"));
  });

  it("a final truncate that can cut the name is unhandled, one that cannot is ignored", () => {
    expect(templateMatcher('{{ printf "%s-%s" .RoleName (random 20) | truncate 63 }}', "payments-api")).toHaveProperty("pattern");
    expect(templateMatcher('{{ printf "%s-%s" .DisplayName (random 20) | truncate 30 }}', "payments-api")).toEqual({ unhandled: "truncate 30 of a value that can be longer than 30 bytes" });
  });

  it("functions and fields it cannot match are named", () => {
    expect(templateMatcher("{{ .RoleName | sha256 }}", "r")).toEqual({ unhandled: "the function sha256" });
    expect(templateMatcher('{{ timestamp "2006" }}', "r")).toEqual({ unhandled: "the function timestamp" });
    expect(templateMatcher("{{ .EntityName }}", "r")).toEqual({ unhandled: "the field .EntityName" });
    expect(templateMatcher('{{ printf "%d" 5 }}', "r")).toEqual({ unhandled: "printf verb %d" });
    expect(templateMatcher('{{ printf "\\x41%s" .RoleName }}', "r")).toEqual({ unhandled: 'the string literal "\\x41%s"' });
    expect("fn:r").toMatch(matcher('{{ printf "fn:%s" .RoleName }}', "r"));
  });

  it("regex metacharacters in the role name are matched literally", () => {
    const re = matcher("{{.RoleName}}-{{random 4}}", "a.b+c");
    expect("a.b+c-Ab12").toMatch(re);
    expect("aXbbc-Ab12").not.toMatch(re);
  });
});
