"""What bin/opensearch-node and bin/elasticsearch-node share: a search node assembled from Maven
Central into a cache folder, one Maven run resolving its groups of artifacts, the Java it runs
on, and the node a ``start --daemon`` left running. Standard library only: the scripts run before
the virtual environment may exist, and import this module from their own folder.
"""

# ruff: noqa: S603, S607, T201 - a command-line tool running fixed commands and printing

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

# The file a complete layout holds: the digest of the recipe it was made from.
STAMP = ".complete"


class NodeTool:
    """One script's node: ``name`` ("opensearch-node"), ``product`` ("OpenSearch"), ``version``
    and ``recipe()`` (what the layout is made of: a change makes a cached layout stale)."""

    def __init__(self, name, product, version, recipe):
        self.name = name
        self.product = product
        self.version = version
        self.recipe = recipe

    def fail(self, message):
        print(f"{self.name}: {message}", file=sys.stderr)
        sys.exit(1)

    def cache_home(self):
        base = os.environ.get("MAILLAGE_CACHE") or os.path.join(
            os.path.expanduser("~"), ".cache", "maillage"
        )
        return Path(base) / f"{self.product.lower()}-{self.version}"

    def recipe_digest(self):
        return hashlib.sha256(json.dumps(self.recipe(), sort_keys=True).encode()).hexdigest()

    def is_complete(self, home):
        try:
            return json.loads((home / STAMP).read_text()).get("recipe") == self.recipe_digest()
        except (OSError, ValueError):
            return False

    def mark_complete(self, home):
        stamp = {"recipe": self.recipe_digest(), "version": self.version}
        (home / STAMP).write_text(json.dumps(stamp) + "\n")

    def require(self, program, package):
        path = shutil.which(program)
        if path is None:
            self.fail(
                f"{program} not found: the node needs it ({package}). Install it with "
                f"bin/system-packages --check (Debian/Ubuntu: apt-get install {package})."
            )
        return path

    def pom(self, artifact_id, body):
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>maillage.{self.name}</groupId>
  <artifactId>{artifact_id}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
{body}
</project>
"""

    def resolve(self, work, groups, dependency_plugin):
        """One Maven run (a reactor of one project per group of ``groups``, ``{name:
        [(group, artifact, version)]}``) copying each group's runtime dependencies into
        work/<group>/target/dependency in the repository's layout, so that every jar's group and
        artifact can be told from its path."""
        for name, dependencies in groups.items():
            (work / name).mkdir()
            body = "  <dependencies>\n" + "".join(map(dependency_xml, dependencies))
            body += "  </dependencies>"
            (work / name / "pom.xml").write_text(self.pom(name, body))
        modules = "".join(f"    <module>{name}</module>\n" for name in groups)
        (work / "pom.xml").write_text(self.pom("aggregator", f"  <modules>\n{modules}  </modules>"))
        command = [
            self.require("mvn", "maven"),
            "--batch-mode",
            "--quiet",
            f"org.apache.maven.plugins:maven-dependency-plugin:{dependency_plugin}"
            ":copy-dependencies",
            "-Dmdep.useRepositoryLayout=true",
            "-DincludeScope=runtime",
        ]
        result = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            self.fail(
                f"Maven could not resolve {self.product} {self.version} ({' '.join(command)}):\n"
                f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
        return {name: work / name / "target" / "dependency" for name in groups}

    def pid_file(self, data):
        return Path(data).resolve() / f"{self.product.lower()}.pid"

    def stop(self, arguments):
        """Stop the node that ``start --daemon`` left running on ``arguments.data``."""
        pid_file = self.pid_file(arguments.data)
        try:
            pid = int(pid_file.read_text())
        except (OSError, ValueError):
            self.fail(f"no node started with --daemon on {arguments.data} ({pid_file} missing)")
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            print(f"The node (pid {pid}) had already stopped.")
        pid_file.unlink(missing_ok=True)
        return 0


def java_major(java):
    """The major version of ``java`` (21 for "21.0.8"), None if it does not run or say it."""
    try:
        result = subprocess.run(
            [java, "-XshowSettings:properties", "-version"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in result.stderr.splitlines():
        if "java.specification.version" in line:
            return int(line.split("=")[1].strip().split(".")[0])
    return None


def dependency_xml(coordinates):
    group, artifact, version = coordinates
    return (
        f"    <dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
        f"<version>{version}</version></dependency>\n"
    )


def jars(repository):
    """{(group path, artifact): jar} of a folder in Maven's repository layout."""
    found = {}
    for jar in sorted(repository.rglob("*.jar")):
        relative = jar.relative_to(repository)
        found[(str(relative.parents[2]), relative.parts[-3])] = jar
    return found


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
