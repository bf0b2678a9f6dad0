/**
 * The IGVM file format: an immutable model of the fixed header and every variable header type, a
 * parser that checks every rule of the format and names the first violation with its offset ({@link
 * io.parasol.igvm.format.IgvmFormatException}), and a writer in the reference layout. Not here:
 * launch measurements ({@code io.parasol.igvm.measure}), signing ({@code .sign}), building images
 * from recipes ({@code .build}).
 */
package io.parasol.igvm.format;
