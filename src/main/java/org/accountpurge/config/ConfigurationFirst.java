package org.accountpurge.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Makes the data source (and so the job repository and everything after it) wait for the job configuration to
 * be bound and validated: a wrong configuration is reported as such, before any store is contacted.
 */
public final class ConfigurationFirst implements BeanFactoryPostProcessor {

    static final String PROPERTIES_BEAN = "purge-" + PurgeProperties.class.getName();

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (!beanFactory.containsBeanDefinition("dataSource") || !beanFactory.containsBeanDefinition(PROPERTIES_BEAN)) {
            return;
        }
        BeanDefinition dataSource = beanFactory.getBeanDefinition("dataSource");
        List<String> dependsOn = new ArrayList<>(dataSource.getDependsOn() == null ? List.of()
                : Arrays.asList(dataSource.getDependsOn()));
        dependsOn.add(PROPERTIES_BEAN);
        dataSource.setDependsOn(dependsOn.toArray(String[]::new));
    }
}
