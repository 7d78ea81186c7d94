package dev.notebookchat.platform;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Timestamps are UTC at millisecond precision: what the contract shows and every database keeps. */
public final class Clock {

    /** Always three fraction digits ({@code 2026-11-26T17:09:57.000Z}), where ISO_INSTANT drops a zero fraction. */
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Clock() {
    }

    public static String format(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    public static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    }
}
