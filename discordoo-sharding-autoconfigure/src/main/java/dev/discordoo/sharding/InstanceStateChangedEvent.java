package dev.discordoo.sharding;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

/**
 * Published by the manager on every state transition of a sharding instance: spawned
 * ({@link InstanceState#SPAWNING}), identified, ready, lost, restarting, failed, stopped.
 * An overlapped restart publishes one event from {@link InstanceState#READY READY} to
 * {@code READY}, when the successor takes over: the instance's id and pid are then the
 * successor's.
 */
public class InstanceStateChangedEvent extends ApplicationEvent {

	private final InstanceInfo instance;

	private final InstanceState previousState;

	private final @Nullable String reason;

	private final @Nullable FailureCause cause;

	/**
	 * Create a new event.
	 * @param source the manager
	 * @param instance the instance after the transition
	 * @param previousState its state before
	 * @param reason why, in words; may be {@code null}
	 * @param cause why, for lost, restarting and failed instances; {@code null} otherwise
	 */
	public InstanceStateChangedEvent(Object source, InstanceInfo instance, InstanceState previousState,
			@Nullable String reason, @Nullable FailureCause cause) {
		super(source);
		this.instance = instance;
		this.previousState = previousState;
		this.reason = reason;
		this.cause = cause;
	}

	/**
	 * Return the instance after the transition.
	 * @return the instance
	 */
	public InstanceInfo getInstance() {
		return this.instance;
	}

	/**
	 * Return the state before the transition.
	 * @return the previous state
	 */
	public InstanceState getPreviousState() {
		return this.previousState;
	}

	/**
	 * Return the state after the transition.
	 * @return the new state
	 */
	public InstanceState getState() {
		return this.instance.state();
	}

	/**
	 * Return why the transition happened, for lost and failed instances.
	 * @return the reason, or {@code null}
	 */
	public @Nullable String getReason() {
		return this.reason;
	}

	/**
	 * Return why the instance was lost, for {@link InstanceState#LOST LOST},
	 * {@link InstanceState#RESTARTING RESTARTING} (the loss it is restarted for) and
	 * {@link InstanceState#FAILED FAILED}.
	 * @return the cause, or {@code null} for other transitions
	 */
	public @Nullable FailureCause getCause() {
		return this.cause;
	}

	@Override
	public String toString() {
		return "instance " + this.instance.index() + " " + this.previousState + " -> " + this.instance.state()
				+ ((this.reason != null) ? " (" + this.reason + ")" : "");
	}

}
