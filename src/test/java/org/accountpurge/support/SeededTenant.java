package org.accountpurge.support;

import org.accountpurge.seed.ReferenceTenant;
import org.accountpurge.seed.SeedManifest;

/** The reference tenant as a {@link RealStack} class seeded it: what went into each store, and the generated rows. */
public record SeededTenant(SeedManifest manifest, ReferenceTenant tenant) {
}
