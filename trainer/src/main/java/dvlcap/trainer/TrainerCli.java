package dvlcap.trainer;

import dvlcap.cli.Args;
import dvlcap.trainer.corpus.CorpusCommand;
import dvlcap.trainer.eval.EvalCommand;

import java.util.Arrays;

/** Entry point of the trainer's commands: {@code corpus}, {@code train} and {@code eval}. */
public final class TrainerCli {
    private TrainerCli() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (args.length == 0) {
            System.err.println("usage: dvlcap corpus|train|eval [options] (--help for each)");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "corpus" -> CorpusCommand.main(rest);
            case "train" -> TrainCommand.main(rest);
            case "eval" -> {
                int status;
                try {
                    status = EvalCommand.run(rest, System.out, System.err);
                } catch (Args.UsageException e) {
                    System.err.println("dvlcap eval: " + e.getMessage());
                    status = 2;
                }
                System.exit(status);
            }
            default -> {
                System.err.println("dvlcap: unknown trainer command '" + args[0] + "'");
                System.exit(2);
            }
        }
    }
}
