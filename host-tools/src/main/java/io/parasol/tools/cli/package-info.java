/**
 * The {@code parasol} command line: argument parsing (picocli), logging set-up, and turning
 * failures into one clear sentence and an exit code. Commands delegate to the paravisor and host
 * libraries; no VM logic lives here.
 */
package io.parasol.tools.cli;
