/**
 * Micrometer meters of the manager, the instances, the IPC links and the identify broker.
 */
@NullMarked
package dev.discordoo.sharding.metrics;

import org.jspecify.annotations.NullMarked;
