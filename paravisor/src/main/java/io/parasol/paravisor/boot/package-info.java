/**
 * Boot loaders: put a payload into guest memory and say in what state the boot vCPU starts. Today a
 * flat binary entered in 32-bit protected mode (Parasol's test guests); the Linux boot protocol and
 * IGVM follow. Not here: measuring what is loaded (that joins the vTPM later).
 */
package io.parasol.paravisor.boot;
