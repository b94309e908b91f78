package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class FrameLimitsTest {

    @Test
    void acceptsFramesWithinTheLimitsAndReturnsTheirSize() {
        assertEquals(128L * 128 * 3, FrameLimits.DEFAULT.check(3, 128, 128, 1));
        assertEquals(4L * 1024 * 1024 * 4, FrameLimits.DEFAULT.check(4, 1024, 1024, 4));
    }

    @Test
    void rejectsEachBrokenLimitByName() {
        FrameLimits l = new FrameLimits(100, 50, 3, 10_000);
        SerializationException w = assertThrows(FrameTooLargeException.class, () -> l.check(1, 10, 101, 1));
        assertTrue(w.getMessage().contains("10x101") && w.getMessage().contains("50x100"), w.getMessage());
        SerializationException c = assertThrows(FrameTooLargeException.class, () -> l.check(4, 10, 10, 1));
        assertTrue(c.getMessage().contains("4 channels"), c.getMessage());
        SerializationException b = assertThrows(FrameTooLargeException.class, () -> l.check(3, 50, 100, 4));
        assertTrue(b.getMessage().contains("60000 bytes"), b.getMessage());
        assertThrows(FrameTooLargeException.class, () -> l.check(0, 10, 10, 1));
        assertThrows(FrameTooLargeException.class, () -> l.check(1, -5, 10, 1));
    }

    @Test
    void hostileHeadersCannotOverflowTheSizeCheck() {
        FrameLimits huge = new FrameLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE);
        long bytes = huge.check(1, Integer.MAX_VALUE, Integer.MAX_VALUE, 1);
        assertTrue(bytes > 0, "size " + bytes + " overflowed");
        assertThrows(FrameTooLargeException.class, () -> FrameLimits.DEFAULT.check(Integer.MAX_VALUE,
                Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
        FrameLimits capped = new FrameLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 1L << 40);
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class, () -> capped.check(Integer.MAX_VALUE,
                Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("limit is " + (1L << 40)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FrameLimits(0, 1, 1, 1));
    }
}
