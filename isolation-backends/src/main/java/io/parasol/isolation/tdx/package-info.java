/**
 * Intel TDX formats: the DCAP quote (v4 and v5, lengths from the quote's own fields) and the
 * TDREPORT. Parsing only: signatures and the PCK chain are checked by the verifier (host-tools
 * {@code io.parasol.tools.attest}).
 */
package io.parasol.isolation.tdx;
