/**
 * Building IGVM images from declarative recipes ({@link io.parasol.igvm.build.Recipe}): platforms
 * and policies, memory, and a Linux direct-boot or raw-page payload, reproducibly (see {@link
 * io.parasol.igvm.build.ImageBuilder} for the rules). Not here: writing the bytes ({@code
 * io.parasol.igvm.format.IgvmWriter}) or signing ({@code io.parasol.igvm.sign}).
 */
package io.parasol.igvm.build;
