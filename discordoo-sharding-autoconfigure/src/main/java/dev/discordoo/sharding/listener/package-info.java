/**
 * Annotated listener and request-handler methods: {@code @ShardEventListener} and {@code @ShardRequestHandler}.
 */
@NullMarked
package dev.discordoo.sharding.listener;

import org.jspecify.annotations.NullMarked;
