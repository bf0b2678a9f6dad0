/**
 * A small encoder for the parts of AML (ACPI 6.5 §20) and resource descriptors (§6.4) that a
 * PC-class DSDT needs. Every method returns the encoded bytes of one term; compose them by passing
 * the results of inner calls to outer ones. Nothing here parses or executes AML.
 */
package io.parasol.paravisor.acpi.aml;
