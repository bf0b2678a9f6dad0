/**
 * Reference values of an IGVM file for verifiers: per platform the launch digest, policy, SVN and
 * signed ID block, as JSON and as a CoRIM (CBOR). Not here: computing the digests ({@code
 * io.parasol.igvm.measure}) or signing ({@code io.parasol.igvm.sign}).
 */
package io.parasol.igvm.reference;
