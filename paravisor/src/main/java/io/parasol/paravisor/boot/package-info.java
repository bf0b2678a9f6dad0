/**
 * Boot loaders: put a payload into guest memory and say in what state the boot vCPU starts. A flat
 * binary entered in 32-bit protected mode (Parasol's test guests) and a Linux bzImage through the
 * 64-bit boot protocol, and an IGVM file's NATIVE platform. Not here: measuring what is loaded
 * (that joins the vTPM later).
 */
package io.parasol.paravisor.boot;
