package dev.discordoo.sharding.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.discordoo.sharding.protocol.InstanceEnvironment;

/**
 * Matches the role of this application: an instance when it was started with
 * {@link InstanceEnvironment#INSTANCE_ID} (by a manager, as a child process or a worker),
 * the manager otherwise.
 */
abstract class ShardingRoleCondition extends SpringBootCondition {

	private final boolean instance;

	ShardingRoleCondition(boolean instance) {
		this.instance = instance;
	}

	static boolean isInstance(org.springframework.core.env.Environment environment) {
		return environment.containsProperty(InstanceEnvironment.INSTANCE_ID);
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		boolean isInstance = isInstance(context.getEnvironment());
		String role = isInstance ? "sharding instance (" + InstanceEnvironment.INSTANCE_ID + " is set)"
				: "sharding manager (" + InstanceEnvironment.INSTANCE_ID + " is not set)";
		return (isInstance == this.instance) ? ConditionOutcome.match(role) : ConditionOutcome.noMatch(role);
	}

	static final class OnInstance extends ShardingRoleCondition {

		OnInstance() {
			super(true);
		}

	}

	static final class OnManager extends ShardingRoleCondition {

		OnManager() {
			super(false);
		}

	}

}
