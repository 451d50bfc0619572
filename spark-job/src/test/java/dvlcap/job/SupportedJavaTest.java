package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SupportedJavaTest {
    @Test
    void javaSeventeenToTwentyTwoRunTheSparkSide() {
        for (int feature = 17; feature <= 22; feature++) {
            assertEquals(Optional.empty(), SupportedJava.problem(feature), "Java " + feature);
        }
    }

    @Test
    void javaTwentyThreeAndLaterAreRefusedWithTheFix() {
        for (int feature : new int[] {23, 24, 25, 30}) {
            String why = SupportedJava.problem(feature).orElseThrow();
            assertTrue(why.contains("Java " + feature), why);
            assertTrue(why.contains("JAVA_HOME to a Java 17 or 21"), why);
        }
    }
}
