package dvlcap.cli;

import dvlcap.model.ModelFileException;

import java.io.PrintStream;
import java.util.Arrays;

/** Entry point of the engine's commands: {@code caption}, {@code bench} and {@code inspect}. */
public final class EngineCli {
    private static final String HELP = """
            Usage: dvlcap COMMAND [options]   (COMMAND --help for its options)

            Commands of the engine:
              caption   caption image files with a model directory
              bench     measure forward cost and decoding speed (a model or a named random shape)
              inspect   describe a model directory (family, size, memory, vision, decoding, what is not
                        supported) without loading its weights
            """;

    private EngineCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(HELP);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "caption" -> CaptionCommand.run(rest, out, err);
                case "bench" -> BenchCommand.run(rest, out, err);
                case "inspect" -> InspectCommand.run(rest, out, err);
                default -> {
                    err.println("dvlcap: unknown command '" + args[0] + "'\n" + HELP);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) { // usage mistakes, and settings the model cannot take
            err.println("dvlcap " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (ModelFileException e) {
            err.println("dvlcap " + args[0] + ": bad model file: " + e.getMessage());
            return 1;
        } catch (IllegalStateException e) {
            // e.g. --backend cuda where no device or kernels are available: the reason is the message
            err.println("dvlcap " + args[0] + ": " + e.getMessage());
            return 1;
        }
    }
}
