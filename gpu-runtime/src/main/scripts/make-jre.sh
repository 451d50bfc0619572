#!/usr/bin/env bash
# Makes a minimal Java runtime for GPU hosts that have no JDK: the modules the slim engine jar needs
# (from jdeps) plus jdk.incubator.vector, linked by jlink, with the jar and a launcher inside.
#
#   make-jre.sh [ENGINE_JAR] [OUT_DIR]
#     ENGINE_JAR  default gpu-runtime/target/dvlcap-engine.jar (mvn -pl gpu-runtime package)
#     OUT_DIR     default gpu-runtime/target/dvlcap-jre
#
# Copy OUT_DIR to the GPU host and run:  OUT_DIR/bin/dvlcap-engine bench --shape qwen2.5-0.5b --backend cuda
# The runtime is for the build machine's OS and CPU (linux-x86_64 here), like the jar's natives.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULE="$(cd "$HERE/../../.." && pwd)"
JAR="${1:-$MODULE/target/dvlcap-engine.jar}"
OUT="${2:-$MODULE/target/dvlcap-jre}"

if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v jlink)")")")"
fi
for tool in jdeps jlink; do
  [ -x "$JAVA_HOME/bin/$tool" ] || { echo "make-jre: $JAVA_HOME/bin/$tool not found (set JAVA_HOME to a JDK 17+)" >&2; exit 1; }
done
[ -f "$JAR" ] || { echo "make-jre: $JAR not found; build it with: mvn -pl gpu-runtime -am package -DskipTests" >&2; exit 1; }

# --ignore-missing-deps: optional dependencies of the bundled libraries are not in the jar
mods="$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$JAR")"
# DVLCAP_JRE_EXTRA_MODULES: more modules, comma-separated (the device check adds what JUnit needs)
mods="$(printf '%s\n' "${mods//,/$'\n'}" jdk.incubator.vector ${DVLCAP_JRE_EXTRA_MODULES//,/ } | sort -u | paste -sd, -)"
echo "make-jre: modules $mods" >&2

rm -rf "$OUT"
# DVLCAP_JRE_COMPRESS=0 leaves the module image uncompressed (smaller once the whole runtime is xz'd)
"$JAVA_HOME/bin/jlink" --add-modules "$mods" --strip-debug --no-man-pages --no-header-files \
  --compress="${DVLCAP_JRE_COMPRESS:-2}" --output "$OUT"
mkdir -p "$OUT/lib/dvlcap"
cp "$JAR" "$OUT/lib/dvlcap/dvlcap-engine.jar"
cat > "$OUT/bin/dvlcap-engine" <<'LAUNCHER'
#!/bin/sh
# The dvlcap engine (caption, bench) on this bundled runtime.
HERE="$(cd "$(dirname "$0")" && pwd)"
exec "$HERE/java" --add-modules jdk.incubator.vector ${DVLCAP_JAVA_OPTS:-} \
  -jar "$HERE/../lib/dvlcap/dvlcap-engine.jar" "$@"
LAUNCHER
chmod +x "$OUT/bin/dvlcap-engine"
echo "make-jre: $(du -sh "$OUT" | cut -f1) in $OUT (runtime $(du -sh --exclude=dvlcap "$OUT" | cut -f1) + jar)" >&2
