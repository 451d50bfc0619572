package dvlcap.report;

import dvlcap.cli.Args;
import dvlcap.job.SupportedJava;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** {@code dvlcap report}: the HTML page over a job's output. */
public final class ReportCommand {

    static final String HELP = """
            Usage: dvlcap report --output JOBDIR [--html FILE] [--gallery N]

            Writes an HTML page over the Parquet output of 'dvlcap job': the run's metrics row, histograms
            of latency and tokens per forward, the error rows with their reasons, and a gallery of
            thumbnails with their captions. The page is self-contained (images and charts inline).

            Options:
              --output JOBDIR   the job's --output (local, hdfs:// or s3a://)
              --html FILE       where to write the page (default: JOBDIR/report.html for a local JOBDIR)
              --gallery N       most images in the gallery (default 200)
              --help            this text
            """;

    private ReportCommand() {
    }

    public static void main(String[] argv) {
        // spark-job's classpath carries two SLF4J providers; name the one bin/dvlcap configures.
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.hadoop", "error");
        int status;
        try {
            status = run(argv, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("dvlcap report: " + e.getMessage());
            status = 2;
        } catch (IOException | RuntimeException e) {
            System.err.println("dvlcap report: " + e);
            status = 1;
        }
        System.exit(status);
    }

    public static int run(String[] argv, PrintStream out) throws IOException {
        Args a = Args.parse("report", argv, Set.of("output", "html", "gallery"), Set.of("help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        SupportedJava.problem().ifPresent(why -> {
            throw new Args.UsageException(why);
        });
        String output = a.required("output");
        Path html;
        if (a.has("html")) {
            html = Path.of(a.string("html", null));
        } else if (!output.contains("://")) {
            html = Path.of(output.startsWith("file:") ? output.substring(5) : output).resolve(JobReport.FILE);
        } else {
            throw new Args.UsageException("--output " + output + " is not local; give --html FILE for the page");
        }
        String page = new JobReport(output, new Configuration()).html(a.integer("gallery", JobReport.DEFAULT_GALLERY, 1));
        Files.writeString(html, page, StandardCharsets.UTF_8);
        out.println("report: " + html.toAbsolutePath());
        return 0;
    }
}
