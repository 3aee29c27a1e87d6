#!/usr/bin/env python3
"""Trunk post-build hook: put the SHA-256 of every inline <script> of the staged index.html into its CSP.

index.html carries the placeholder CSP_SCRIPT_HASHES in script-src; Trunk's loader is an inline module script whose
text changes with file hashes and --public-url, so its hash is computed after each build.
"""
import base64
import hashlib
import os
import re
import sys

path = os.path.join(os.environ.get("TRUNK_STAGING_DIR", "dist"), "index.html")
html = open(path, encoding="utf-8").read()
scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
hashes = " ".join(
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() for s in scripts
)
if "CSP_SCRIPT_HASHES" not in html:
    sys.exit("csp-hash: no CSP_SCRIPT_HASHES placeholder in " + path)
open(path, "w", encoding="utf-8").write(html.replace("CSP_SCRIPT_HASHES", hashes))
print("csp-hash: %d inline script(s) hashed" % len(scripts))
