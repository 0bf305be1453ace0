#!/usr/bin/env python3
"""Checks openapi.yaml and the walkthrough in docs/api.md against each other (issue 11).

Usage:
    scripts/check-openapi.py            run every check, exit 1 with one line per failure
    scripts/check-openapi.py --served   print the operations the server must route, as `METHOD /path`
                                        (those without `x-status`), sorted, one per line
    scripts/check-openapi.py --operations-json
                                        print the authorisation table as JSON: for every operation its
                                        operation_id, method, path, served, public and roles
                                        ([{role, scope}]), for the policy matrix test to read

Checks:
  1. openapi.yaml is valid OpenAPI 3.1 (openapi-spec-validator, an independent implementation).
  2. Every operation has a unique operationId, a summary, responses, and `x-roles`: a non-empty list of
     {role, scope} whose roles are the raw values of Sources/Models/Role.swift and whose scope is one of
     any | own_centre | project_member | own_token | self; `x-status`, when present, is `planned`.
  3. Every JSON request body and JSON response has an example, and every example in the document
     (media types, parameters, headers, schema `examples`) validates against its schema
     (JSON Schema Draft 2020-12, $refs resolved, formats checked).
  4. Every 4xx/5xx response with a body is a problem document (application/problem+json), except the
     DICOM store response PS3.18 prescribes (application/dicom+json).
  5. Every object schema that declares properties closes itself (additionalProperties or
     unevaluatedProperties set to false), so unknown fields are refused.
  6. Every walkthrough step in docs/api.md (a `# operationId: x` comment followed by a curl command)
     names an existing operation, its method and path match that operation, and its JSON body
     (`-d @- <<'JSON' ... JSON`) validates against the operation's request schema.

Dependencies: PyYAML, jsonschema (with referencing), openapi-spec-validator (scripts/bootstrap --test).
"""

import json
import re
import shlex
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi.yaml"
DOC_PATH = ROOT / "docs" / "api.md"
ROLE_PATH = ROOT / "Sources" / "Models" / "Role.swift"

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCOPES = {"any", "own_centre", "project_member", "own_token", "self"}
BASE_URI = "urn:portal:openapi"
# Media types whose bodies are JSON and therefore must carry a validated example.
JSON_MEDIA = re.compile(r"^application/([a-z0-9.+-]*\+)?json$|^application/json$")


def load_dependencies():
    try:
        import yaml  # noqa: F401
        import jsonschema  # noqa: F401
        import referencing  # noqa: F401
        import openapi_spec_validator  # noqa: F401
    except ImportError as error:
        sys.exit(f"check-openapi: missing Python package ({error.name}); run scripts/bootstrap --test")


def load_spec():
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        """Refuses duplicate mapping keys, which plain YAML silently overwrites."""

    def construct_mapping(loader, node, deep=False):
        keys = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                # `<<` exists only in YAML 1.1; OpenAPI 3.1 tools read YAML 1.2, where it is a plain key.
                raise yaml.constructor.ConstructorError(
                    None, None, "merge key `<<` is not YAML 1.2; write the mapping out", key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = key_node.value
            if key in keys:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            keys.add(key)
        return loader.construct_mapping(node, deep)

    UniqueKeyLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    # Keep timestamps and dates as the strings JSON would carry.
    UniqueKeyLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    with SPEC_PATH.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=UniqueKeyLoader)


def read_roles():
    """Raw values of `enum Role` in Sources/Models/Role.swift: the only valid names in x-roles."""
    roles = set()
    for line in ROLE_PATH.read_text(encoding="utf-8").splitlines():
        match = re.match(r'\s*case\s+(\w+)(?:\s*=\s*"([^"]+)")?\s*$', line)
        if match:
            roles.add(match.group(2) or match.group(1))
    return roles


def resolve(spec, node):
    """Follows local `$ref`s (`#/...`) until a node without one is reached."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"$ref cycle at {ref}")
        seen.add(ref)
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def json_pointer(parts):
    """RFC 6901 pointer to a location of the spec, e.g. /paths/~1projects/post."""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer(parts):
    return "#" + json_pointer(parts)


def operations(spec):
    """Yields (path, method, operation, path-level parameters)."""
    for path, item in spec.get("paths", {}).items():
        item = resolve(spec, item)
        for method in METHODS:
            if method in item:
                yield path, method, item[method], item.get("parameters", [])


class Checker:
    def __init__(self, spec):
        import jsonschema
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        self.spec = spec
        self.errors = []
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(BASE_URI, resource)
        self.jsonschema = jsonschema
        self.format_checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
        for name, package in (("date-time", "rfc3339-validator"), ("date", None), ("uuid", None)):
            if name not in self.format_checker.checkers:
                self.fail("python", f"jsonschema cannot check format {name!r}"
                                    + (f" (pip install {package})" if package else ""))

    def fail(self, where, message):
        self.errors.append(f"{where}: {message}")

    # Validation of one instance against the schema found at a location of the spec.
    def validate_at(self, schema_pointer, instance, where):
        validator = self.jsonschema.Draft202012Validator(
            {"$ref": BASE_URI + "#" + quote(schema_pointer, safe="/~")}, registry=self.registry,
            format_checker=self.format_checker)
        try:
            problems = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        except Exception as error:  # unresolvable $ref and the like: a defect of the spec
            self.fail(where, f"schema cannot be evaluated: {error}")
            return False
        for problem in problems[:5]:
            location = "/" + "/".join(str(p) for p in problem.absolute_path)
            self.fail(where, f"does not validate at {location}: {problem.message}")
        return not problems

    def check_document(self):
        from openapi_spec_validator import OpenAPIV31SpecValidator, validate

        if not str(self.spec.get("openapi", "")).startswith("3.1."):
            self.fail("openapi", f"version must be 3.1.x, found {self.spec.get('openapi')!r}")
        try:
            validate(self.spec, cls=OpenAPIV31SpecValidator)
        except Exception as error:  # the validator raises its own hierarchy; report it verbatim
            self.fail("openapi.yaml", f"not valid OpenAPI 3.1: {error}")

    def check_operations(self, roles):
        seen_ids = {}
        for path, method, op, _ in operations(self.spec):
            where = f"{method.upper()} {path}"
            op_id = op.get("operationId")
            if not op_id:
                self.fail(where, "missing operationId")
            elif op_id in seen_ids:
                self.fail(where, f"operationId {op_id} also used by {seen_ids[op_id]}")
            else:
                seen_ids[op_id] = where
            if not op.get("summary"):
                self.fail(where, "missing summary")
            if not op.get("responses"):
                self.fail(where, "missing responses")
            status = op.get("x-status")
            if status is not None and status != "planned":
                self.fail(where, f"x-status must be 'planned', found {status!r}")
            grants = op.get("x-roles")
            if not isinstance(grants, list) or not grants:
                self.fail(where, "missing x-roles (a non-empty list of {role, scope})")
                continue
            pairs = set()
            for grant in grants:
                if not isinstance(grant, dict) or set(grant) != {"role", "scope"}:
                    self.fail(where, f"x-roles entry {grant!r} must have exactly role and scope")
                    continue
                if grant["role"] not in roles:
                    self.fail(where, f"x-roles names unknown role {grant['role']!r} "
                                     f"(Role.swift has {', '.join(sorted(roles))})")
                if grant["scope"] not in SCOPES:
                    self.fail(where, f"x-roles scope {grant['scope']!r} not in {sorted(SCOPES)}")
                pair = (grant["role"], grant["scope"])
                if pair in pairs:
                    self.fail(where, f"x-roles repeats {pair}")
                pairs.add(pair)
            self.check_problem_responses(path, op, where)
            for code, response in op.get("responses", {}).items():
                response = resolve(self.spec, response)
                content = response.get("content", {})
                if str(code)[0] in "45" and content:
                    if not ({"application/problem+json", "application/dicom+json"} & set(content)):
                        self.fail(f"{where} {code}", "error response must be application/problem+json")

    def check_problem_responses(self, path, op, where):
        """The error responses an operation must declare follow from what it takes."""
        codes = {str(code) for code in op.get("responses", {})}
        parameters = self.parameters_of(path, op)
        headers = {p["name"].lower() for p in parameters if p.get("in") == "header"}
        required_headers = {p["name"].lower() for p in parameters
                            if p.get("in") == "header" and p.get("required")}
        body = resolve(self.spec, op.get("requestBody", {}))
        takes_json = any(JSON_MEDIA.match(m) for m in body.get("content", {}))
        public = op.get("security") == []
        wanted = {"429": "every operation can be rate limited"}
        if not public:
            wanted["401"] = "it needs a token"
            wanted["default"] = "unexpected errors (500) must be described"
        if "if-match" in required_headers:
            wanted["412"] = "it takes If-Match"
            wanted["428"] = "it requires If-Match"
        if takes_json:
            wanted["422"] = "it takes a JSON body"
            if op.get("x-status") == "planned" and body.get("required"):
                wanted["400"] = "it takes a JSON body"
        if "idempotency-key" in headers:
            wanted["409"] = "it takes Idempotency-Key (key in use)"
            wanted["422"] = "it takes Idempotency-Key (key reused with another body)"
        if "range" in headers:
            wanted["416"] = "it takes Range"
        # POST to a path ending in a parameter stores into it (STOW-RS to a study that may be new).
        stores_into = path.rstrip("/").endswith("}") and op is resolve(self.spec, self.spec["paths"][path]).get("post")
        if any(p.get("in") == "path" for p in parameters) and not stores_into:
            wanted["404"] = "it addresses a resource by path"
        for code, reason in sorted(wanted.items()):
            if code not in codes:
                self.fail(where, f"missing response {code}: {reason}")

    def check_media(self, media, parts, require_example):
        where = pointer(parts)
        name = parts[-1]
        has_schema = "schema" in media
        examples = []
        if "example" in media:
            examples.append(("example", media["example"]))
        for key, example in media.get("examples", {}).items():
            example = resolve(self.spec, example)
            if "value" in example:
                examples.append((f"examples/{key}", example["value"]))
        if require_example and JSON_MEDIA.match(name) and not examples:
            self.fail(where, "JSON body without an example")
        if examples and not has_schema:
            self.fail(where, "examples without a schema")
            return
        for label, value in examples:
            self.validate_at(json_pointer(parts + ["schema"]), value, f"{where} {label}")

    def walk(self, node, parts):
        """Visits every example-bearing object in the document and every schema for closedness."""
        if isinstance(node, dict):
            if "$ref" in node and len(parts) > 0 and parts[-1] != "properties":
                return
            parent = parts[-2] if len(parts) >= 2 else None
            if parent == "content" and isinstance(node, dict):
                in_operation = parts[0] == "paths" or parts[:2] in (["components", "responses"],
                                                                    ["components", "requestBodies"])
                self.check_media(node, parts, require_example=in_operation)
            if parent in ("parameters", "headers") or (len(parts) >= 1 and parts[0] == "components"
                                                       and len(parts) == 3
                                                       and parts[1] in ("parameters", "headers")):
                self.check_parameter_examples(node, parts)
            if self.is_schema_location(parts):
                self.check_schema(node, parts)
            for key, value in node.items():
                self.walk(value, parts + [key])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                self.walk(value, parts + [index])

    @staticmethod
    def is_schema_location(parts):
        if not parts:
            return False
        if len(parts) == 3 and parts[:2] == ["components", "schemas"]:
            return True
        return parts[-1] in ("schema", "items", "additionalProperties") or \
            (len(parts) >= 2 and parts[-2] in ("properties", "patternProperties", "$defs")) or \
            (len(parts) >= 2 and isinstance(parts[-1], int) and parts[-2] in ("allOf", "anyOf", "oneOf", "prefixItems"))

    def check_parameter_examples(self, node, parts):
        if "schema" not in node:
            return
        base = json_pointer(parts)
        if "example" in node:
            self.validate_at(base + "/schema", node["example"], pointer(parts) + " example")
        for key, example in node.get("examples", {}).items():
            example = resolve(self.spec, example)
            if "value" in example:
                self.validate_at(base + "/schema", example["value"], pointer(parts) + f" examples/{key}")

    def check_schema(self, node, parts):
        if not isinstance(node, dict) or "$ref" in node:
            return
        base = json_pointer(parts)
        if isinstance(node.get("examples"), list):
            for index, value in enumerate(node["examples"]):
                self.validate_at(base, value, pointer(parts) + f" examples/{index}")
        if "properties" in node or "patternProperties" in node:
            closed = node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False
            if not closed:
                self.fail(pointer(parts), "object schema must set additionalProperties: false "
                                          "(or unevaluatedProperties: false)")

    # Walkthrough --------------------------------------------------------------------------------

    def operation_index(self):
        index = {}
        for path, method, op, _ in operations(self.spec):
            if op.get("operationId"):
                index[op["operationId"]] = (path, method, op)
        return index

    def parameters_of(self, path, op):
        item = resolve(self.spec, self.spec["paths"][path])
        return [resolve(self.spec, p) for p in item.get("parameters", []) + op.get("parameters", [])]

    def check_walkthrough(self):
        if not DOC_PATH.exists():
            self.fail("docs/api.md", "missing")
            return
        index = self.operation_index()
        steps = parse_walkthrough(DOC_PATH.read_text(encoding="utf-8"))
        if not steps:
            self.fail("docs/api.md", "no walkthrough steps (`# operationId: x` followed by curl)")
        for step in steps:
            where = f"docs/api.md:{step['line']} ({step['operation_id']})"
            if step["operation_id"] not in index:
                self.fail(where, "names no operation of openapi.yaml")
                continue
            path, method, op = index[step["operation_id"]]
            if step.get("error"):
                self.fail(where, step["error"])
                continue
            if step["method"] != method.upper():
                self.fail(where, f"curl uses {step['method']}, the operation is {method.upper()} {path}")
            if not path_matches(path, step["path"]):
                self.fail(where, f"curl path {step['path']} does not match {path}")
            for parameter in self.parameters_of(path, op):
                if not parameter.get("required"):
                    continue
                name = parameter["name"]
                if parameter["in"] == "header" and name.lower() not in step["headers"]:
                    self.fail(where, f"the operation requires the header {name}")
                if parameter["in"] == "query" and name not in step["query"]:
                    self.fail(where, f"the operation requires the query parameter {name}")
            body = resolve(self.spec, op.get("requestBody", {}))
            json_types = [m for m in body.get("content", {}) if JSON_MEDIA.match(m)]
            if step["body"] is None:
                if body.get("required") and json_types and not step["binary"]:
                    self.fail(where, "the operation requires a JSON body and the step sends none")
                continue
            if not json_types:
                self.fail(where, "the step sends a JSON body but the operation takes none")
                continue
            try:
                instance = json.loads(step["body"])
            except json.JSONDecodeError as error:
                self.fail(where, f"body is not JSON: {error}")
                continue
            media = step["content_type"] if step["content_type"] in json_types else json_types[0]
            loc = ["paths", path, method, "requestBody"]
            if "$ref" in op.get("requestBody", {}):
                loc = op["requestBody"]["$ref"][2:].split("/")
            schema_ptr = json_pointer(loc + ["content", media, "schema"])
            self.validate_at(schema_ptr, instance, where)


def path_matches(template, actual):
    want = template.strip("/").split("/")
    have = actual.strip("/").split("/")
    if len(want) != len(have):
        return False
    for w, h in zip(want, have):
        if w.startswith("{") and w.endswith("}"):
            if not h:
                return False
        elif w != h:
            return False
    return True


def parse_walkthrough(text):
    """Finds `# operationId: x` steps inside fenced shell blocks and parses their curl command."""
    steps = []
    lines = text.splitlines()
    in_block = False
    current = None

    def finish():
        if current is not None:
            steps.append(parse_step(current))

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("```"):
            if in_block:
                finish()
                current = None
            in_block = not in_block
            continue
        if not in_block:
            continue
        match = re.match(r"#\s*operationId:\s*(\S+)\s*$", stripped)
        if match:
            finish()
            current = {"operation_id": match.group(1), "line": number, "lines": []}
        elif current is not None:
            current["lines"].append(line)
    return steps


def parse_step(raw):
    step = {"operation_id": raw["operation_id"], "line": raw["line"], "body": None,
            "binary": False, "content_type": None, "headers": set(), "query": set()}
    command_lines, body_lines = [], []
    heredoc = None
    for line in raw["lines"]:
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            else:
                body_lines.append(line)
            continue
        match = re.search(r"<<-?\s*'?(\w+)'?\s*$", line)
        if match:
            heredoc = match.group(1)
            line = line[:match.start()]
        if line.strip().startswith("#"):
            continue
        command_lines.append(line)
    command = " ".join(l.rstrip().rstrip("\\") for l in command_lines).strip()
    if body_lines:
        step["body"] = "\n".join(body_lines)
    try:
        words = shlex.split(command)
    except ValueError as error:
        step["error"] = f"cannot parse the command: {error}"
        return step
    if "curl" not in words:
        step["error"] = "no curl command"
        return step
    words = words[words.index("curl") + 1:]
    method, url, has_data = None, None, False
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("-X", "--request"):
            method = words[i + 1].upper()
            i += 2
            continue
        if word in ("-d", "--data", "--data-raw", "--json"):
            has_data = True
            if step["body"] is None and words[i + 1] != "@-":
                step["body"] = words[i + 1]
            i += 2
            continue
        if word in ("--data-binary", "-T", "--upload-file", "-F", "--form"):
            has_data = True
            step["binary"] = True
            i += 2
            continue
        if word in ("-H", "--header"):
            name, _, value = words[i + 1].partition(":")
            step["headers"].add(name.strip().lower())
            if name.strip().lower() == "content-type":
                step["content_type"] = value.strip().split(";")[0]
            i += 2
            continue
        if word in ("-I", "--head"):
            method = "HEAD"
        elif word in ("-o", "--output", "-r", "--range", "-C", "--continue-at", "-w", "--write-out",
                      "-u", "--user", "--oauth2-bearer", "-e", "--referer", "-A", "--user-agent",
                      "--max-time", "--retry", "--cacert", "-D", "--dump-header"):
            i += 2
            continue
        elif not word.startswith("-") and url is None:
            url = word
        i += 1
    if url is None:
        step["error"] = "curl command without a URL"
        return step
    step["method"] = method or ("POST" if has_data else "GET")
    path = re.sub(r"^(\$\{?PORTAL\}?|https?://[^/]+)", "", url).split("?")[0]
    step["path"] = path
    query = url.partition("?")[2]
    step["query"] = {pair.partition("=")[0] for pair in query.split("&") if pair}
    return step


def main():
    load_dependencies()
    try:
        spec = load_spec()
    except Exception as error:
        sys.exit(f"check-openapi: cannot read {SPEC_PATH.name}: {error}")
    if "--operations-json" in sys.argv[1:]:
        table = [{"operation_id": op.get("operationId"), "method": m.upper(), "path": p,
                  "served": "x-status" not in op, "public": op.get("security") == [],
                  "roles": op.get("x-roles", [])}
                 for p, m, op, _ in operations(spec)]
        print("[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in table) + "\n]")
        return 0
    if "--served" in sys.argv[1:]:
        served = sorted(f"{m.upper()} {p}" for p, m, op, _ in operations(spec) if "x-status" not in op)
        print("\n".join(served))
        return 0
    checker = Checker(spec)
    checker.check_document()
    checker.check_operations(read_roles())
    checker.walk(spec, [])
    checker.check_walkthrough()
    count = sum(1 for _ in operations(spec))
    if checker.errors:
        for error in checker.errors:
            print(f"check-openapi: {error}", file=sys.stderr)
        print(f"check-openapi: {len(checker.errors)} problem(s) in {count} operations", file=sys.stderr)
        return 1
    planned = sum(1 for _, _, op, _ in operations(spec) if op.get("x-status") == "planned")
    print(f"check-openapi: ok — {count} operations ({count - planned} served, {planned} planned), "
          f"examples and walkthrough valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
