package dev.discordoo.sharding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

import dev.discordoo.sharding.autoconfigure.ShardingMarkerConfiguration;

/**
 * Turn sharding on. Started plainly, the application becomes the sharding manager and
 * spawns its sharding instances; started by a manager, it becomes an instance. Without this
 * annotation the starter does nothing.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(ShardingMarkerConfiguration.class)
public @interface EnableSharding {

}
