package org.mallocsim.kernel.mm;

/**
 * {@code struct anon_vma} (mm/rmap.c) reduced to what the emulator needs: an identity. Two faulted
 * VMAs merge only when they share one; a VMA gets one from {@code anon_vma_prepare} on the first
 * fault that allocates an anonymous page, reusing a compatible neighbour's as
 * {@code find_mergeable_anon_vma} does.
 */
final class AnonVma {}
