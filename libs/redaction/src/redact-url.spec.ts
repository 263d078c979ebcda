import { REDACTED, redactQuery, redactQueryObject, redactUrl } from './redact-url';

describe(redactUrl.name, () => {
  it.each([
    ['/users?access_token=s3cr3t', `/users?access_token=${REDACTED}`],
    ['/users?page=2&access_token=s3cr3t&sort=asc', `/users?page=2&access_token=${REDACTED}&sort=asc`],
    ['http://gw:3000/users?api_key=k&x=1#frag', `http://gw:3000/users?api_key=${REDACTED}&x=1#frag`],
    ['/users?Access_Token=a&ACCESS_TOKEN=b', `/users?Access_Token=${REDACTED}&ACCESS_TOKEN=${REDACTED}`],
    ['/users?access%5Ftoken=s3cr3t', `/users?access%5Ftoken=${REDACTED}`],
    ['/users?token[]=a&token[]=b', `/users?token[]=${REDACTED}&token[]=${REDACTED}`],
    ['/s3?X-Amz-Signature=abc&X-Amz-Credential=def', `/s3?X-Amz-Signature=${REDACTED}&X-Amz-Credential=${REDACTED}`],
    ['/cb?code=oauth-code&state=xyz', `/cb?code=${REDACTED}&state=xyz`],
  ])('redacts %s', (url, expected) => {
    const sut = redactUrl;

    expect(sut(url)).toBe(expected);
  });

  it.each([
    '/users',
    '/users?page=2&sort=asc',
    '/users?',
    '/users?flag&token',
    '/users?%E0%A4%A=1',
    'http://gw:3000/orders/1#token=x',
  ])('leaves %s as it is', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});

describe(redactQuery.name, () => {
  it('redacts a bare query string, as url.query holds it', () => {
    const sut = redactQuery;

    expect(sut('password=hunter2&name=Ada')).toBe(`password=${REDACTED}&name=Ada`);
  });
});

describe(redactQueryObject.name, () => {
  it('redacts the sensitive keys of a parsed query and keeps the others', () => {
    const sut = redactQueryObject;

    expect(sut({ access_token: 'a', Secret: ['b', 'c'], page: '2' })).toEqual({
      access_token: REDACTED,
      Secret: REDACTED,
      page: '2',
    });
  });
});
