package io.parasol.isolation.kvm;

/**
 * One guest RAM region as a file: what a vhost-user peer needs to map it ({@code
 * VHOST_USER_SET_MEM_TABLE} sends exactly these values). The descriptor belongs to the partition
 * and is closed with it; a peer gets its own copy through SCM_RIGHTS.
 *
 * @param gpa first guest-physical address of the region
 * @param sizeBytes length of the region
 * @param fd the memfd backing it
 * @param fdOffset where the region starts in the memfd
 * @param hostAddress where Parasol mapped it
 */
public record MemoryRegionFd(long gpa, long sizeBytes, int fd, long fdOffset, long hostAddress) {}
