# Sourced: points JAVA_HOME at a JDK 25 (the project's release) and puts it first on PATH, whatever
# `java` on PATH is, for this shell: `source ci/jdk25.sh` before the README's commands.
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
    if [ -x "$candidate/bin/java" ]; then JAVA_HOME="$candidate"; break; fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then
  echo "error: no JDK 25 found; set JAVA_HOME to one (e.g. Temurin 25)" >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8's Guice calls sun.misc.Unsafe, which JDK 25 warns about at every start; the option
# (JDK 24+) allows it quietly. Here, not in .mvn/jvm.config: an older java would refuse to start.
case " ${MAVEN_OPTS:-} " in
  *" --sun-misc-unsafe-memory-access=allow "*) ;;
  *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
esac
