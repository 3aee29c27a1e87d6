#!/usr/bin/env python3
"""Trunk post-build hook: write the build's file list and version into the staged service worker (public/sw.js)
and the version into index.html's <meta name="build">.

The version is a hash of every built file but index.html and sw.js (their names carry content hashes, but
worker.js's does not, so the contents count): a build that changes nothing keeps its version, any change makes a
new one, and the service worker keeps each version's files in a cache of its own.
"""
import hashlib
import json
import os
import sys

staging = os.environ.get("TRUNK_STAGING_DIR", "dist")
files = sorted(
    os.path.relpath(os.path.join(d, f), staging).replace(os.sep, "/")
    for d, _, names in os.walk(staging)
    for f in names
)
h = hashlib.sha256()
for f in files:
    if f in ("index.html", "sw.js"):
        continue
    h.update(f.encode("utf-8") + b"\0")
    h.update(open(os.path.join(staging, f), "rb").read())
version = h.hexdigest()[:16]
cached = [f for f in files if f != "sw.js"]

sw_path = os.path.join(staging, "sw.js")
sw = open(sw_path, encoding="utf-8").read()
if "__BUILD_FILES__" not in sw or "__BUILD_VERSION__" not in sw:
    sys.exit("offline-manifest: no placeholders in " + sw_path)
sw = sw.replace("__BUILD_FILES__", json.dumps(cached)).replace("__BUILD_VERSION__", version)
open(sw_path, "w", encoding="utf-8").write(sw)

index_path = os.path.join(staging, "index.html")
html = open(index_path, encoding="utf-8").read()
if "BUILD_VERSION" not in html:
    sys.exit("offline-manifest: no BUILD_VERSION placeholder in " + index_path)
open(index_path, "w", encoding="utf-8").write(html.replace("BUILD_VERSION", version))
print("offline-manifest: %d files, version %s" % (len(cached), version))
