package dev.lbkit.spring.gateway.mvc;

import dev.lbkit.spring.LbkitAutoConfiguration;
import dev.lbkit.spring.LbkitLoadBalancerAutoConfiguration;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctionDefinition;
import org.springframework.context.annotation.Bean;

/**
 * lbkit in Spring Cloud Gateway Server MVC: offers the YAML filter {@code Lbkit=NAME} ({@link
 * LbkitFilterFunctions}) and makes routes with {@code uri: lb://SERVICE} use lbkit for every
 * service lbkit has an upstream for. Off with {@code lbkit.enabled: false}, or for {@code lb://}
 * routes alone with {@code lbkit.gateway.mvc.lb-routes: false}.
 */
@AutoConfiguration(after = {LbkitAutoConfiguration.class, LbkitLoadBalancerAutoConfiguration.class})
@ConditionalOnClass(HandlerFunctionDefinition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "lbkit.enabled", matchIfMissing = true)
public class LbkitGatewayMvcAutoConfiguration {
  /**
   * The bean Server MVC asks for the handler of a route whose URI has the scheme {@code lb}: it
   * takes the bean named {@code SCHEME + "HandlerFunctionDefinition"}.
   */
  public static final String LB_HANDLER_BEAN = "lbHandlerFunctionDefinition";

  /** Used by Spring Boot. */
  public LbkitGatewayMvcAutoConfiguration() {}

  /** Offers {@code Lbkit=NAME} to YAML routes, as Server MVC offers its own filters. */
  @Bean
  public LbkitFilterFunctions.FilterSupplier lbkitFilterFunctionsSupplier() {
    return new LbkitFilterFunctions.FilterSupplier();
  }

  /** Puts lbkit's handler of {@code lb://} routes in the place of Server MVC's. */
  @Bean
  @ConditionalOnBooleanProperty(name = "lbkit.gateway.mvc.lb-routes", matchIfMissing = true)
  public static BeanDefinitionRegistryPostProcessor lbkitLbRouteHandlerRegistrar() {
    return new LbRouteHandlerRegistrar();
  }

  /**
   * Replaces the definition of {@value #LB_HANDLER_BEAN}. Server MVC defines that bean without a
   * condition, and Spring Boot forbids a second definition under one name, so the first is removed
   * before ours is registered.
   */
  static final class LbRouteHandlerRegistrar implements BeanDefinitionRegistryPostProcessor {
    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry)
        throws BeansException {
      if (!registry.containsBeanDefinition(LB_HANDLER_BEAN)) {
        return; // Server MVC has no lb:// support here (no Spring Cloud LoadBalancer)
      }
      registry.removeBeanDefinition(LB_HANDLER_BEAN);
      RootBeanDefinition ours = new RootBeanDefinition(LbRouteHandler.class);
      ours.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
      registry.registerBeanDefinition(LB_HANDLER_BEAN, ours);
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}
  }
}
