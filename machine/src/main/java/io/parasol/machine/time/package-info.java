/**
 * Time as devices see it: a monotonic clock and timers, injected so device logic can be unit-tested
 * with {@link io.parasol.machine.time.ManualTimeSource} and no sleeping. Wall-clock time (for the
 * RTC) is a {@link java.time.InstantSource}, injected the same way.
 */
package io.parasol.machine.time;
