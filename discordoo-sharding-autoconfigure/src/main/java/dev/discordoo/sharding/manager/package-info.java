/**
 * The sharding manager for instances on one host: allocation, launchers, the instances'
 * state machine, restarts and routing.
 */
@NullMarked
package dev.discordoo.sharding.manager;

import org.jspecify.annotations.NullMarked;
