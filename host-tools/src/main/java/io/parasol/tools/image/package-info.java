/**
 * IGVM images as the CLI shows them: every header of a file as text or JSON. Not here: the format,
 * measurements and signing themselves (the {@code igvm-image} module).
 */
package io.parasol.tools.image;
