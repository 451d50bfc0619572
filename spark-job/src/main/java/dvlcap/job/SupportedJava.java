package dvlcap.job;

import java.util.Optional;

/**
 * The Java releases the Spark side of dvlcap (job, sweep, report) runs on. Spark 4.0 supports
 * Java 17 and 21; Hadoop 3.4's login code calls {@code Subject.getSubject}, which Java 23 and
 * later refuse, so on those the first file-system call fails deep inside Hadoop ("getSubject is
 * not supported"). The commands refuse such a JVM up front instead, naming the fix. The engine
 * commands (caption, bench, train, eval) have no such limit.
 */
public final class SupportedJava {
    /** The first Java feature release whose {@code Subject.getSubject} Hadoop 3.4 cannot use. */
    static final int FIRST_REFUSED = 23;

    private SupportedJava() {
    }

    /** Why a JVM of feature release {@code feature} cannot run the Spark side, or empty if it can. */
    static Optional<String> problem(int feature) {
        if (feature < FIRST_REFUSED) {
            return Optional.empty();
        }
        return Optional.of("this JVM is Java " + feature + ", but Spark 4.0 and Hadoop 3.4 run on Java 17 or 21"
                + " (Hadoop's login code fails from Java " + FIRST_REFUSED + " on): set JAVA_HOME to a Java 17 or 21");
    }

    /** {@link #problem(int)} for the running JVM. */
    public static Optional<String> problem() {
        return problem(Runtime.version().feature());
    }
}
