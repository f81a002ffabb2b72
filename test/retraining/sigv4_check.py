"""Recomputes a captured request's SigV4 signature with botocore (the signer boto3 and AWS's
sagemaker-mlflow plugin use), for test/retraining/sagemaker-mlflow.test.ts.

stdin: {"method", "url", "headers": {...}, "body", "accessKeyId", "secretAccessKey", "sessionToken", "region", "service"}
stdout: {"signature": "<hex>", "signedHeaders": "a;b;c"}
"""
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

req = json.load(sys.stdin)
headers = req["headers"]
auth_header = headers.pop("authorization")
signed = auth_header.split("SignedHeaders=")[1].split(",")[0].split(";")
request = AWSRequest(method=req["method"], url=req["url"], data=req.get("body") or None, headers={k: v for k, v in headers.items() if k in signed})
auth = SigV4Auth(Credentials(req["accessKeyId"], req["secretAccessKey"], req.get("sessionToken")), req["service"], req["region"])
request.context["timestamp"] = headers["x-amz-date"]
canonical = auth.canonical_request(request)
string_to_sign = auth.string_to_sign(request, canonical)
print(json.dumps({"signature": auth.signature(string_to_sign, request), "signedHeaders": auth.signed_headers(auth.headers_to_sign(request))}))
