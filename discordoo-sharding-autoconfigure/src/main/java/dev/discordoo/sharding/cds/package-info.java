/**
 * Class data sharing for child JVMs: a cache, per application jar and JDK, of the jar's
 * extracted layout and of a class data archive (an AOT cache on JDK 25 and later, a dynamic
 * AppCDS archive before) made by a training run, so that child JVMs start in a fraction of
 * the time.
 */
@NullMarked
package dev.discordoo.sharding.cds;

import org.jspecify.annotations.NullMarked;
