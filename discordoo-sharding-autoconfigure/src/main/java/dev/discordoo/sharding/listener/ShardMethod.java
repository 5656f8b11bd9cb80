package dev.discordoo.sharding.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.util.ReflectionUtils;

import dev.discordoo.sharding.ShardEventContext;
import org.jspecify.annotations.Nullable;

/**
 * One annotated bean method with its parameters worked out at startup: binds an event's or
 * request's payload and sender to arguments, and invokes the method on its bean.
 */
final class ShardMethod {

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final String description;

	private final Supplier<Object> bean;

	private final Method invocable;

	private final int parameterCount;

	private final int contextIndex;

	private final int payloadIndex;

	private final PayloadKind payloadKind;

	private final JavaType payloadType;

	private final ObjectMapper mapper;

	private final int order;

	private ShardMethod(String description, Supplier<Object> bean, Method invocable, int contextIndex,
			int payloadIndex, PayloadKind payloadKind, JavaType payloadType, ObjectMapper mapper, int order) {
		this.description = description;
		this.bean = bean;
		this.invocable = invocable;
		this.parameterCount = invocable.getParameterCount();
		this.contextIndex = contextIndex;
		this.payloadIndex = payloadIndex;
		this.payloadKind = payloadKind;
		this.payloadType = payloadType;
		this.mapper = mapper;
		this.order = order;
	}

	/**
	 * Work out how to call an annotated method.
	 * @param annotation the annotation, for messages
	 * @param beanName the bean's name
	 * @param method the method as declared on the bean's class
	 * @param invocable the method to invoke on the bean (the same, or its proxy's)
	 * @param bean supplies the bean to invoke on
	 * @param mapper binds payloads
	 * @param order where the method runs among the listeners of one event
	 * @return the method
	 * @throws BeanInitializationException if the method's parameters cannot be bound
	 */
	static ShardMethod of(Class<?> annotation, String beanName, Method method, Method invocable,
			Supplier<Object> bean, ObjectMapper mapper, int order) {
		String description = describe(method);
		int contextIndex = -1;
		int payloadIndex = -1;
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			if (types[i] == ShardEventContext.class) {
				if (contextIndex >= 0) {
					throw unbindable(annotation, beanName, description, method, i, "is a second ShardEventContext");
				}
				contextIndex = i;
			}
			else {
				if (payloadIndex >= 0) {
					throw unbindable(annotation, beanName, description, method, i,
							"is a second payload parameter (the first is parameter " + payloadIndex + ")");
				}
				payloadIndex = i;
			}
		}
		PayloadKind kind = (payloadIndex < 0) ? PayloadKind.NONE : PayloadKind.of(types[payloadIndex]);
		// without a payload parameter the type is never used: Void rather than a null to check
		JavaType payloadType = mapper.constructType(
				(payloadIndex < 0) ? Void.class : method.getGenericParameterTypes()[payloadIndex]);
		ReflectionUtils.makeAccessible(invocable);
		return new ShardMethod(description + " on bean '" + beanName + "'", bean, invocable, contextIndex,
				payloadIndex, kind, payloadType, mapper, order);
	}

	private static BeanInitializationException unbindable(Class<?> annotation, String beanName, String description,
			Method method, int index, String problem) {
		String[] names = parameterNames.getParameterNames(method);
		String name = (names != null) ? " '" + names[index] + "'" : "";
		return new BeanInitializationException("@" + annotation.getSimpleName() + " method " + description
				+ " on bean '" + beanName + "' cannot be bound: parameter " + index + name + " of type "
				+ method.getParameterTypes()[index].getSimpleName() + " " + problem
				+ "; a method takes at most one payload parameter and at most one ShardEventContext");
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

	/**
	 * Return the arguments for one call.
	 * @param data the payload, may be {@code null}
	 * @param sender who sent it
	 * @return the arguments
	 * @throws InvalidPayloadException if the payload does not bind to the payload parameter
	 */
	@Nullable Object[] arguments(@Nullable JsonNode data, ShardEventContext sender) throws InvalidPayloadException {
		Object[] arguments = new Object[this.parameterCount];
		if (this.contextIndex >= 0) {
			arguments[this.contextIndex] = sender;
		}
		if (this.payloadIndex >= 0) {
			arguments[this.payloadIndex] = payload(data);
		}
		return arguments;
	}

	private @Nullable Object payload(@Nullable JsonNode data) throws InvalidPayloadException {
		boolean absent = data == null || data.isNull() || data.isMissingNode();
		switch (this.payloadKind) {
			case NODE -> {
				if (data == null || this.payloadType.getRawClass().isInstance(data)) {
					return data;
				}
				if (absent) {
					return null;
				}
				throw new InvalidPayloadException("payload is a JSON " + data.getNodeType() + " where "
						+ this.payloadType.getRawClass().getSimpleName() + " is needed");
			}
			case TEXT -> {
				if (data == null || absent) {
					return null;
				}
				return data.isString() ? data.stringValue() : this.mapper.writeValueAsString(data);
			}
			case BOUND -> {
				if (data == null || absent) {
					if (this.payloadType.isPrimitive()) {
						throw new InvalidPayloadException("payload is absent, parameter of type "
								+ this.payloadType.getRawClass().getSimpleName() + " needs one");
					}
					return null;
				}
				try {
					return this.mapper.treeToValue(data, this.payloadType);
				}
				catch (JacksonException | IllegalArgumentException ex) {
					String reason = (ex instanceof JacksonException jackson) ? jackson.getOriginalMessage()
							: ex.getMessage();
					throw new InvalidPayloadException("payload does not bind to "
							+ this.payloadType.getRawClass().getSimpleName() + ": " + reason);
				}
			}
			default -> {
				return null;
			}
		}
	}

	/**
	 * Invoke the method on its bean.
	 * @param arguments the arguments from {@link #arguments}
	 * @return what the method returned
	 * @throws Exception what the method threw
	 */
	Object invoke(Object[] arguments) throws Exception {
		Object target = this.bean.get();
		try {
			return this.invocable.invoke(target, arguments);
		}
		catch (InvocationTargetException ex) {
			Throwable thrown = ex.getTargetException();
			if (thrown instanceof Exception exception) {
				throw exception;
			}
			if (thrown instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	int order() {
		return this.order;
	}

	@Override
	public String toString() {
		return this.description;
	}

	/**
	 * How a payload parameter is filled.
	 */
	private enum PayloadKind {

		/** No payload parameter. */
		NONE,

		/** A {@code JsonNode} (or subtype), passed as it arrived. */
		NODE,

		/** A {@code String}: a JSON string's value, or any other JSON's text. */
		TEXT,

		/** Anything else, bound by the mapper. */
		BOUND;

		static PayloadKind of(Class<?> type) {
			if (JsonNode.class.isAssignableFrom(type)) {
				return NODE;
			}
			return (type == String.class) ? TEXT : BOUND;
		}

	}

}
