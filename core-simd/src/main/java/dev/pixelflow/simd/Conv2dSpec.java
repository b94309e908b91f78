package dev.pixelflow.simd;

/**
 * Hyper-parameters of a 2-D convolution or transposed convolution, with PyTorch's meaning.
 *
 * <p>Output size of a convolution: {@code out = floor((in + 2*padding - dilation*(kernel-1) - 1) / stride) + 1}.
 * <br>Output size of a transposed convolution:
 * {@code out = (in-1)*stride - 2*padding + dilation*(kernel-1) + outputPadding + 1}, where
 * {@code 0 <= outputPadding < max(stride, dilation)} picks one of the input sizes a strided convolution maps
 * to the same output size. Weights: {@code [out, in/groups, kH, kW]} for a convolution,
 * {@code [in, out/groups, kH, kW]} for a transposed convolution (PyTorch's layouts).
 */
public record Conv2dSpec(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups,
                         int outputPadH, int outputPadW) {

    /** Stride 1, no padding, no dilation, one group. */
    public static final Conv2dSpec DEFAULT = new Conv2dSpec(1, 1, 0, 0, 1, 1, 1, 0, 0);

    public Conv2dSpec {
        require(strideH >= 1 && strideW >= 1, "stride must be >= 1, got " + strideH + "x" + strideW);
        require(padH >= 0 && padW >= 0, "padding must be >= 0, got " + padH + "x" + padW);
        require(dilationH >= 1 && dilationW >= 1, "dilation must be >= 1, got " + dilationH + "x" + dilationW);
        require(groups >= 1, "groups must be >= 1, got " + groups);
        require(outputPadH >= 0 && outputPadW >= 0, "output padding must be >= 0, got " + outputPadH + "x" + outputPadW);
        require(outputPadH < Math.max(strideH, dilationH) && outputPadW < Math.max(strideW, dilationW),
                "output padding " + outputPadH + "x" + outputPadW + " must be smaller than stride or dilation ("
                        + strideH + "x" + strideW + ", " + dilationH + "x" + dilationW + ")");
    }

    /** Square stride and padding, no dilation, one group. */
    public static Conv2dSpec of(int stride, int padding) {
        return new Conv2dSpec(stride, stride, padding, padding, 1, 1, 1, 0, 0);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Conv2dSpec withGroups(int g) {
        return new Conv2dSpec(strideH, strideW, padH, padW, dilationH, dilationW, g, outputPadH, outputPadW);
    }

    public Conv2dSpec withDilation(int d) {
        return new Conv2dSpec(strideH, strideW, padH, padW, d, d, groups, outputPadH, outputPadW);
    }

    public Conv2dSpec withOutputPadding(int p) {
        return new Conv2dSpec(strideH, strideW, padH, padW, dilationH, dilationW, groups, p, p);
    }

    /** Convolution output height for an input of height {@code h} and a kernel of height {@code kh}. */
    public int outputHeight(int h, int kh) {
        return convOut(h, kh, strideH, padH, dilationH);
    }

    public int outputWidth(int w, int kw) {
        return convOut(w, kw, strideW, padW, dilationW);
    }

    /** Transposed-convolution output height. */
    public int transposedOutputHeight(int h, int kh) {
        return (h - 1) * strideH - 2 * padH + dilationH * (kh - 1) + outputPadH + 1;
    }

    public int transposedOutputWidth(int w, int kw) {
        return (w - 1) * strideW - 2 * padW + dilationW * (kw - 1) + outputPadW + 1;
    }

    static int convOut(int in, int k, int stride, int pad, int dil) {
        long span = (long) in + 2L * pad - (long) dil * (k - 1) - 1;
        return span < 0 ? 0 : (int) (span / stride + 1);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Builder for the less common cases (non-square stride/padding, dilation, groups, output padding). */
    public static final class Builder {
        private int strideH = 1, strideW = 1, padH, padW, dilationH = 1, dilationW = 1, groups = 1, outH, outW;

        public Builder stride(int s) {
            strideH = s;
            strideW = s;
            return this;
        }

        public Builder stride(int sh, int sw) {
            strideH = sh;
            strideW = sw;
            return this;
        }

        public Builder padding(int p) {
            padH = p;
            padW = p;
            return this;
        }

        public Builder padding(int ph, int pw) {
            padH = ph;
            padW = pw;
            return this;
        }

        public Builder dilation(int d) {
            dilationH = d;
            dilationW = d;
            return this;
        }

        public Builder dilation(int dh, int dw) {
            dilationH = dh;
            dilationW = dw;
            return this;
        }

        public Builder groups(int g) {
            groups = g;
            return this;
        }

        public Builder outputPadding(int p) {
            outH = p;
            outW = p;
            return this;
        }

        public Builder outputPadding(int ph, int pw) {
            outH = ph;
            outW = pw;
            return this;
        }

        public Conv2dSpec build() {
            return new Conv2dSpec(strideH, strideW, padH, padW, dilationH, dilationW, groups, outH, outW);
        }
    }
}
