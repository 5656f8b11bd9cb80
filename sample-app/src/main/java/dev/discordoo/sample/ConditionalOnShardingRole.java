package dev.discordoo.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Keeps a bean to one side of the bot: the sharding manager or its instances. The same
 * application runs in both roles, and the role is never configured: an instance is the
 * application started by its manager with the {@code DISCORDOO_SHARDING_*} environment, the
 * manager is the application started plainly.
 *
 * <p>The condition reads that environment rather than asking for a
 * {@code ShardingManager} or {@code ShardingInstance} bean: those beans come from
 * auto-configuration, which is processed after the application's own components, so
 * {@code @ConditionalOnBean} on a component would not see them yet and would never match.
 *
 * @see OnShardingRoleCondition
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnShardingRoleCondition.class)
public @interface ConditionalOnShardingRole {

	/**
	 * The role the annotated bean belongs to.
	 * @return the role
	 */
	Role value();

	/**
	 * The two roles of a sharded application.
	 */
	enum Role {

		/** The application started plainly: it spawns and watches the instances. */
		MANAGER,

		/** An application started by a manager to run some of the bot's shards. */
		INSTANCE

	}

}
