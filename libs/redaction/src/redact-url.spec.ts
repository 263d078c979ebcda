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
    // Names the fixed list used to miss, matched by pattern now.
    ['/x?sessionid=s&jwt=j&auth=a&page=1', `/x?sessionid=${REDACTED}&jwt=${REDACTED}&auth=${REDACTED}&page=1`],
    ['/x?X-Api-Key=k&csrf_token=c', `/x?X-Api-Key=${REDACTED}&csrf_token=${REDACTED}`],
    // Userinfo, in the URL itself and in a URL-valued parameter, plain or percent-encoded.
    ['https://ada:hunter2@gw:3000/users', `https://${REDACTED}:${REDACTED}@gw:3000/users`],
    ['postgresql://orders:p@ss@db:5432/orders', `postgresql://${REDACTED}:${REDACTED}@db:5432/orders`],
    [
      '/login?next=https://ada:hunter2@shop.example/',
      `/login?next=${encodeURIComponent(`https://${REDACTED}:${REDACTED}@shop.example/`)}`,
    ],
    [
      `/login?next=${encodeURIComponent('https://ada:hunter2@shop.example/cb?token=t')}&page=1`,
      `/login?next=${encodeURIComponent(`https://${REDACTED}:${REDACTED}@shop.example/cb?token=${REDACTED}`)}&page=1`,
    ],
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
    'http://gw:3000/orders/1#a@b',
    '/login?next=https%3A%2F%2Fshop.example%2Fcart',
    '/users?email=ada@example.com',
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

    expect(sut({ access_token: 'a', Secret: ['b', 'c'], sessionid: 's', next: 'https://u:p@h/', page: '2' })).toEqual({
      access_token: REDACTED,
      Secret: REDACTED,
      sessionid: REDACTED,
      next: `https://${REDACTED}:${REDACTED}@h/`,
      page: '2',
    });
  });
});
