#!/usr/bin/env bash
# Packs what the GPU device check (device-check.sh beside this) needs on a bare GPU host that has
# only the NVIDIA driver and Python: a jlink'ed Java runtime holding the slim engine jar (with
# kernels.fatbin), the compiled test classes, the JUnit jars and the list of CUDA test classes,
# as one .tar.xz well under the device machine's 64 MiB (the repository travels beside it).
#
#   device-pack.sh [--build] [BUNDLE]
#     --build  first run: mvn -o -q -pl gpu-runtime -am -DskipTests package (needs nvcc for the kernels)
#     BUNDLE   default gpu-runtime/target/dvlcap-device.tar.xz (ignored by git, like all of target/)
#
# Needs a JDK 17 (jdeps, jlink, jar), xz and the jars of a `package` build of gpu-runtime.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULE="$(cd "$HERE/../../.." && pwd)"
REPO="$(cd "$MODULE/.." && pwd)"
BUILD=0
if [ "${1:-}" = "--build" ]; then BUILD=1; shift; fi
BUNDLE="${1:-$MODULE/target/dvlcap-device.tar.xz}"
LIMIT_MIB="${DVLCAP_BUNDLE_LIMIT_MIB:-40}" # 64 MiB per device call, minus the repository (~25 MiB)

die() { echo "device-pack: $*" >&2; exit 1; }
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v jlink)")")")"
fi
for tool in jdeps jlink jar; do
  [ -x "$JAVA_HOME/bin/$tool" ] || die "$JAVA_HOME/bin/$tool not found (set JAVA_HOME to a JDK 17+)"
done
command -v xz >/dev/null || die "xz not found"

if [ "$BUILD" = 1 ]; then
  (cd "$REPO" && mvn -o -q -pl gpu-runtime -am -DskipTests package) || die "build failed"
fi
JAR="$MODULE/target/dvlcap-engine.jar"
TC="$MODULE/target/test-classes"
TCP="$MODULE/target/test-classpath.txt"
[ -f "$JAR" ] || die "$JAR missing: build with: mvn -o -pl gpu-runtime -am -DskipTests package (or pass --build)"
[ -f "$TC/dvlcap/devicecheck/DeviceTestRunner.class" ] || die "$TC has no DeviceTestRunner: build the test classes (package without -Dmaven.test.skip)"
[ -f "$TCP" ] || die "$TCP missing: it is written by the package phase"
"$JAVA_HOME/bin/jar" tf "$JAR" | grep -qx 'dvlcap/cuda/kernels.fatbin' \
  || die "$JAR has no dvlcap/cuda/kernels.fatbin: build where nvcc is (the CUDA tests would all fail)"

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/dvlcap-pack.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
B="$STAGE/dvlcap-device"
mkdir -p "$B/lib" "$B/scripts"

# JUnit (platform launcher included) and what it needs, from the test classpath the build resolved
junit=()
while IFS= read -r j; do
  case "$(basename "$j")" in
    junit-*.jar|opentest4j-*.jar|apiguardian-*.jar) cp "$j" "$B/lib/"; junit+=("$j") ;;
  esac
done < <(tr ':' '\n' < "$TCP")
ls "$B/lib"/junit-platform-launcher-*.jar >/dev/null 2>&1 || die "junit-platform-launcher not on the test classpath"
cp -r "$TC" "$B/test-classes"
rm -rf "$B/test-classes/META-INF/maven"

# every class the test classes use must be in the engine jar or the JUnit jars
cp_all="$JAR$(printf ':%s' "${junit[@]}")"
missing="$("$JAVA_HOME/bin/jdeps" --multi-release 17 -cp "$cp_all" -verbose:class "$B/test-classes" 2>/dev/null \
  | grep 'not found' || true)"
[ -z "$missing" ] || die "test classes use classes that the bundle lacks:
$(echo "$missing" | head -20)"

# the CUDA test classes, each run in its own JVM by device-check.sh: the dvlcap.backend.cuda package,
# every Cuda*Test elsewhere (the embedded models' captions) and BackendsTest (auto must give cuda there)
(cd "$B/test-classes" && { find dvlcap/backend/cuda -name '*Test.class'; find dvlcap -name 'Cuda*Test.class'; } \
  | grep -v '\$' | sed 's/\.class$//; s#/#.#g' | sort -u) > "$B/CLASSES"
echo dvlcap.backend.BackendsTest >> "$B/CLASSES"
[ -s "$B/CLASSES" ] || die "no CUDA test classes found"

# the engine jar stored uncompressed (xz compresses its classes far better than zip did), then the runtime
mkdir "$STAGE/jar"
(cd "$STAGE/jar" && "$JAVA_HOME/bin/jar" xf "$JAR")
"$JAVA_HOME/bin/jar" --create --no-compress --file "$STAGE/dvlcap-engine.jar" --manifest "$STAGE/jar/META-INF/MANIFEST.MF" \
  -C "$STAGE/jar" . 2>/dev/null
rm -rf "$STAGE/jar"
extra="$("$JAVA_HOME/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$B/test-classes" "${junit[@]}" 2>/dev/null)"
DVLCAP_JRE_EXTRA_MODULES="$extra" DVLCAP_JRE_COMPRESS=0 JAVA_HOME="$JAVA_HOME" \
  bash "$MODULE/src/main/scripts/make-jre.sh" "$STAGE/dvlcap-engine.jar" "$B/jre" 2>&1 | sed 's/^/  /' >&2
[ -x "$B/jre/bin/java" ] || die "make-jre.sh made no runtime"
"$B/jre/bin/java" --add-modules jdk.incubator.vector -cp "$B/jre/lib/dvlcap/dvlcap-engine.jar" dvlcap.cli.EngineCli --help \
  >/dev/null 2>&1 || die "the packed runtime cannot start the engine"

cp "$HERE/device-check.sh" "$HERE/device_bench.py" "$B/scripts/"
{
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "java: $("$B/jre/bin/java" -version 2>&1 | head -1)"
  echo "engine jar: $(stat -c %s "$JAR") bytes, fatbin $("$JAVA_HOME/bin/jar" tvf "$JAR" | awk '$NF=="dvlcap/cuda/kernels.fatbin"{print $1}') bytes"
  echo "test classes: $(wc -l < "$B/CLASSES") CUDA classes"
} > "$B/MANIFEST"

mkdir -p "$(dirname "$BUNDLE")"
tar -C "$STAGE" -cf - dvlcap-device | xz -T0 -9 > "$BUNDLE.tmp"
mv "$BUNDLE.tmp" "$BUNDLE"
bytes="$(stat -c %s "$BUNDLE")"
mib=$(( (bytes + 1048575) / 1048576 ))
sed 's/^/device-pack: /' "$B/MANIFEST" >&2
echo "device-pack: $BUNDLE: $mib MiB ($bytes bytes; unpacked $(du -sh "$B" | cut -f1))" >&2
[ "$mib" -le "$LIMIT_MIB" ] || die "bundle is $mib MiB, over the $LIMIT_MIB MiB it may take of the device call's 64 MiB"
