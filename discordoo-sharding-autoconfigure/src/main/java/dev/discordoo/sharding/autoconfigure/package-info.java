/**
 * Auto-configuration of discordoo-sharding: the properties, the role of the application
 * (manager or instance) and the beans of each.
 */
@NullMarked
package dev.discordoo.sharding.autoconfigure;

import org.jspecify.annotations.NullMarked;
