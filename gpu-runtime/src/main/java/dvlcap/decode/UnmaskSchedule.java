package dvlcap.decode;

/** How many masked positions each of S steps unmasks: an even spread, remainder to the first steps. */
public final class UnmaskSchedule {
    private UnmaskSchedule() {
    }

    public static int[] spread(int masks, int steps) {
        int[] k = new int[steps];
        int base = masks / steps, extra = masks % steps;
        for (int s = 0; s < steps; s++) {
            k[s] = base + (s < extra ? 1 : 0);
        }
        return k;
    }
}
