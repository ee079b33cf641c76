// The example the playground opens with: a small deployment repository in the 2i2c layout
// (chartpress builds the hub image; cluster.yaml lists the hubs and their values files), with
// deliberate problems from several rule families. Tab order follows this list.

export const EXAMPLE_FILES = [
  ['helm-charts/images/hub/Dockerfile', `# The hub image: z2jh's hub plus this deployment's authenticator and helpers.
FROM quay.io/jupyterhub/k8s-hub:4.2.0

ARG REQUIREMENTS_FILE
COPY \${REQUIREMENTS_FILE} /tmp/requirements.txt

USER root
RUN pip install --no-cache-dir -r /tmp/requirements.txt
USER \${NB_USER}
`],
  ['helm-charts/basehub/Chart.yaml', `apiVersion: v2
name: basehub
description: Wraps the JupyterHub chart with this organisation's defaults
version: "0.1.0"
dependencies:
  - name: jupyterhub
    # Keep in step with FROM in images/hub/Dockerfile.
    version: 4.3.3
    repository: https://jupyterhub.github.io/helm-chart/
`],
  ['helm-charts/chartpress.yaml', `# Builds the hub image and writes its tag into basehub's values.yaml.
charts:
  - name: basehub
    imagePrefix: quay.io/example-org/
    images:
      hub:
        valuesPath: jupyterhub.hub.image
        buildArgs:
          REQUIREMENTS_FILE: requirements.txt
`],
  ['helm-charts/images/hub/requirements.txt', `# Installed on top of k8s-hub; unreleased fixes are pinned to a commit.
oauthenticator==17.3.0
jupyterhub-idle-culler==1.4.0
git+https://github.com/example-org/hub-helpers@main#egg=hub-helpers
escapism
`],
  ['helm-charts/basehub/values.yaml', `jupyterhub:
  hub:
    image:
      name: quay.io/example-org/hub
      tag: "0.0.1-0.dev.git.12.h3e7e978"
  singleuser:
    defaultUrl: /lab
`],
  ['config/clusters/demo/cluster.yaml', `name: demo
provider: kubeconfig
hubs:
  - name: staging
    display_name: Démo staging
    domain: staging.demo.example.org
    helm_chart: basehub
    helm_chart_values_files:
      - staging.values.yaml
`],
  ['config/clusters/demo/staging.values.yaml', `jupyterhub:
  singleuser:
    image:
      name: quay.io/example-org/staging-notebook
      tag: 1.10
    cpu:
      limt: 2
    profileList:
      - display_name: Python
        default: true
      - { display_name: "Données 📊 (R)", kubespawner_override: { image: rocker/binder:latest } }
  hub:
    config:
      KubeSpawner:
        start_timout: 600
`],
];

/** The first tab shown. */
export const EXAMPLE_ACTIVE = 'helm-charts/images/hub/Dockerfile';
