"""Validates an OpenAPI document (a file or a URL) with openapi-spec-validator; prints OK or the error."""
import json
import sys
import urllib.request

from openapi_spec_validator import validate

source = sys.argv[1]
if source.startswith("http"):
    with urllib.request.urlopen(source) as response:
        document = json.load(response)
else:
    with open(source) as handle:
        document = json.load(handle)
validate(document)
print("OK", document["openapi"], len(document["paths"]), "paths")
