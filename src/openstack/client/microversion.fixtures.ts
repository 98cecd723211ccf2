/**
 * Version documents as the services' API references show them (tests only). Shapes are the references';
 * version numbers are set per test case where it matters.
 *
 * @example
 *   mock.on('GET', '/v2.1/', { body: NOVA_V21_VERSION });
 */

/** Nova, GET /v2.1/ ("Show Details of Specific API Version"; nova doc/api_samples/versions/v21-version-get-resp.json). */
export const NOVA_V21_VERSION = {
  version: {
    id: 'v2.1',
    links: [
      { href: 'http://nova.test:8774/v2.1/', rel: 'self' },
      { href: 'http://docs.openstack.org/', rel: 'describedby', type: 'text/html' },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
    status: 'CURRENT',
    version: '2.90',
    min_version: '2.1',
    updated: '2013-07-23T11:33:21Z',
  },
};

/** Nova, GET / ("List All Major Versions"; nova doc/api_samples/versions/versions-get-resp.json): v2.0 has no microversions. */
export const NOVA_VERSIONS = {
  versions: [
    {
      id: 'v2.0',
      links: [{ href: 'http://nova.test:8774/v2/', rel: 'self' }],
      status: 'SUPPORTED',
      version: '',
      min_version: '',
      updated: '2011-01-21T11:33:21Z',
    },
    {
      id: 'v2.1',
      links: [{ href: 'http://nova.test:8774/v2.1/', rel: 'self' }],
      status: 'CURRENT',
      version: '2.90',
      min_version: '2.1',
      updated: '2013-07-23T11:33:21Z',
    },
  ],
};

/** Cinder, GET /v3/ ("Show API v3 details"; cinder api-ref v3 samples/versions/version-show-response.json). */
export const CINDER_V3_VERSION = {
  versions: [
    {
      id: 'v3.0',
      links: [
        { href: 'https://docs.openstack.org/', rel: 'describedby', type: 'text/html' },
        { href: 'http://cinder.test:8776/v3/', rel: 'self' },
      ],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
      min_version: '3.0',
      status: 'CURRENT',
      updated: '2023-08-31T00:00:00Z',
      version: '3.70',
    },
  ],
};

/** Placement, GET / ("List Versions"; placement api-ref root.inc): the maximum is `max_version`. */
export const PLACEMENT_ROOT = {
  versions: [
    {
      id: 'v1.0',
      max_version: '1.39',
      min_version: '1.0',
      status: 'CURRENT',
      links: [{ href: '', rel: 'self' }],
    },
  ],
};

/** Manila, GET /v2/ (Manila API reference, "API versions"): microversions in `version`/`min_version`. */
export const MANILA_V2_VERSION = {
  versions: [
    {
      id: 'v2.0',
      status: 'CURRENT',
      version: '2.78',
      min_version: '2.0',
      updated: '2015-08-27T11:33:21Z',
      links: [{ href: 'http://manila.test:8786/v2/', rel: 'self' }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.share+json;version=1' }],
    },
  ],
};
