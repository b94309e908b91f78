package dev.pixelflow.simd.metrics;

import java.util.Locale;

/**
 * A snapshot of the scores of a {@link ConfusionMatrix} {@code M[target][predicted]}. For class {@code c}:
 * {@code TP = M[c][c]}, {@code FP = sum_t M[t][c] - TP}, {@code FN = sum_p M[c][p] - TP}, and
 * <ul>
 *   <li>IoU {@code = TP / (TP + FP + FN)}, Dice/F1 {@code = 2TP / (2TP + FP + FN)},
 *   <li>precision {@code = TP / (TP + FP)}, recall {@code = TP / (TP + FN)}.
 * </ul>
 * A per-class value whose denominator is 0 (0/0: e.g. IoU of a class absent from both prediction and
 * target, precision of a class never predicted) is {@code NaN}. Means over classes:
 * <ul>
 *   <li>{@link #meanIoU()} / {@link #meanDice()}: classes with {@code TP + FP + FN = 0} follow the
 *       {@link EmptyClassPolicy} (skipped by default); NaN when nothing is left;
 *   <li>{@link #pixelAccuracy()} {@code = sum_c TP / total};
 *   <li>{@link #balancedAccuracy()}: mean recall over the classes present in the target;
 *   <li>{@link #weightedAccuracy()} {@code = sum_i w[y_i] [pred_i = y_i] / sum_i w[y_i]
 *       = sum_c w[c] TP_c / sum_c w[c] (TP_c + FN_c)}, NaN when the matrix has no weights.
 * </ul>
 * All of these are NaN when no pixel was counted. Plain pixel accuracy is misleading for small objects
 * (a 1% object missed entirely still scores 0.99), so {@link #summary()} leads with the object-class IoU.
 * Arrays are returned as copies.
 */
public record SegmentationMetrics(
        EmptyClassPolicy policy,
        long total,
        double[] iou,
        double[] dice,
        double[] precision,
        double[] recall,
        double meanIoU,
        double meanDice,
        double pixelAccuracy,
        double balancedAccuracy,
        double weightedAccuracy) {

    public SegmentationMetrics {
        if (policy == null) {
            throw new IllegalArgumentException("empty class policy is null");
        }
        int c = iou.length;
        if (dice.length != c || precision.length != c || recall.length != c) {
            throw new IllegalArgumentException("per-class arrays differ in length: iou " + c + ", dice " + dice.length
                    + ", precision " + precision.length + ", recall " + recall.length);
        }
        iou = iou.clone();
        dice = dice.clone();
        precision = precision.clone();
        recall = recall.clone();
    }

    /** The scores of {@code matrix}'s current counts. */
    public static SegmentationMetrics of(ConfusionMatrix matrix, EmptyClassPolicy policy) {
        if (policy == null) {
            throw new IllegalArgumentException("empty class policy is null");
        }
        int n = matrix.classes();
        double[] iou = new double[n];
        double[] dice = new double[n];
        double[] precision = new double[n];
        double[] recall = new double[n];
        long total = 0;
        long correct = 0;
        double recallSum = 0;
        int present = 0;
        double wCorrect = 0;
        double wAll = 0;
        double iouSum = 0;
        double diceSum = 0;
        int meanCount = 0;
        for (int c = 0; c < n; c++) {
            long tp = matrix.rawCount(c, c);
            long row = 0;
            long col = 0;
            for (int k = 0; k < n; k++) {
                row += matrix.rawCount(c, k);
                col += matrix.rawCount(k, c);
            }
            long fn = row - tp;
            long fp = col - tp;
            total += row;
            correct += tp;
            iou[c] = ratio(tp, tp + fp + fn);
            dice[c] = ratio(2 * tp, 2 * tp + fp + fn);
            precision[c] = ratio(tp, tp + fp);
            recall[c] = ratio(tp, tp + fn);
            if (row > 0) {
                recallSum += recall[c];
                present++;
            }
            if (matrix.hasWeights()) {
                wCorrect += matrix.weight(c) * tp;
                wAll += matrix.weight(c) * row;
            }
            if (tp + fp + fn > 0) {
                iouSum += iou[c];
                diceSum += dice[c];
                meanCount++;
            } else if (policy != EmptyClassPolicy.SKIP) {
                double v = policy == EmptyClassPolicy.ONE ? 1 : 0;
                iouSum += v;
                diceSum += v;
                meanCount++;
            }
        }
        double weighted = matrix.hasWeights() && wAll > 0 ? wCorrect / wAll : Double.NaN;
        return new SegmentationMetrics(policy, total, iou, dice, precision, recall,
                meanCount == 0 ? Double.NaN : iouSum / meanCount,
                meanCount == 0 ? Double.NaN : diceSum / meanCount,
                ratio(correct, total),
                present == 0 ? Double.NaN : recallSum / present,
                weighted);
    }

    public int classes() {
        return iou.length;
    }

    @Override
    public double[] iou() {
        return iou.clone();
    }

    @Override
    public double[] dice() {
        return dice.clone();
    }

    @Override
    public double[] precision() {
        return precision.clone();
    }

    @Override
    public double[] recall() {
        return recall.clone();
    }

    /**
     * One line of text that leads with the IoU of the object classes (every class but 0, taken as
     * background; with one class, class 0), then mean IoU and Dice, balanced accuracy, and only then pixel
     * accuracy. Example: {@code IoU[1]=0.0000 mIoU=0.4950 mDice=0.4975 balAcc=0.5000 pixelAcc=0.9900 (n=100)}.
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        int first = iou.length == 1 ? 0 : 1;
        for (int c = first; c < iou.length; c++) {
            sb.append(String.format(Locale.ROOT, "IoU[%d]=%.4f ", c, iou[c]));
        }
        sb.append(String.format(Locale.ROOT, "mIoU=%.4f mDice=%.4f balAcc=%.4f ", meanIoU, meanDice, balancedAccuracy));
        if (!Double.isNaN(weightedAccuracy)) {
            sb.append(String.format(Locale.ROOT, "wAcc=%.4f ", weightedAccuracy));
        }
        sb.append(String.format(Locale.ROOT, "pixelAcc=%.4f (n=%d)", pixelAccuracy, total));
        return sb.toString();
    }

    private static double ratio(long num, long den) {
        return den == 0 ? Double.NaN : (double) num / den;
    }
}
