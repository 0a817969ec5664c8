/* Citizen sign-in (test accounts on the local stage) and "Hồ sơ của tôi". */
(function () {
  'use strict';
  var h = DVC.h;

  var signIn = document.getElementById('citizen-sign-in');
  if (signIn) {
    var summary = document.getElementById('error-summary');
    signIn.addEventListener('submit', async function (e) {
      e.preventDefault();
      DVC.clearErrors(signIn);
      var name = document.getElementById('f-name');
      var id = document.getElementById('f-id');
      var items = [];
      if (name.value.trim().length < 2) items.push({ id: DVC.fieldError(name, 'Họ và tên: bắt buộc phải nhập'), message: 'Họ và tên: bắt buộc phải nhập' });
      if (!/^[0-9]{12}$/.test(id.value.trim())) items.push({ id: DVC.fieldError(id, 'Số định danh cá nhân: phải gồm 12 chữ số'), message: 'Số định danh cá nhân: phải gồm 12 chữ số' });
      if (items.length) return DVC.summary(summary, items);
      var answer = await DVC.api('POST', '/dev/token', { body: { role: 'citizen', subject: 'cccd-' + id.value.trim(), name: name.value.trim() } });
      if (answer.status !== 201) return DVC.summary(summary, [{ id: null, message: DVC.message(answer.data) }]);
      DVC.session.set('citizen', answer.data, { name: name.value.trim() });
      location.assign(DVC.safeNext(new URLSearchParams(location.search).get('next'), '/ho-so-cua-toi'));
    });
  }

  var list = document.getElementById('mine-list');
  if (!list) return;
  var session = DVC.session.get('citizen');
  if (!session) { document.getElementById('signed-out').hidden = false; return; }
  document.getElementById('signed-in').hidden = false;
  document.getElementById('who').textContent = 'Bạn đang đăng nhập' + (session.name ? ' với tên ' + session.name : '') + '.';
  document.getElementById('sign-out').addEventListener('click', function () {
    DVC.session.clear('citizen');
    location.assign('/');
  });
  var more = document.getElementById('mine-more');
  var message = document.getElementById('mine-message');
  var next = null;
  var ul = h('ul', { class: 'cards' });
  DVC.add(list, ul);

  async function page() {
    var query = next ? '?page_token=' + encodeURIComponent(next) : '';
    var answer = await DVC.api('GET', '/v1/me/dossiers' + query, { token: session.token });
    if (answer.status === 401) { DVC.session.clear('citizen'); location.replace('/dang-nhap?next=/ho-so-cua-toi'); return; }
    if (answer.status !== 200) return DVC.say(message, DVC.message(answer.data), 'error');
    answer.data.items.forEach(function (d) {
      var ask = d.requested && (d.requested.type === 'supplement' ? 'Cần bạn bổ sung hồ sơ' : d.requested.type === 'payment' ? 'Cần nộp phí, lệ phí' : '');
      DVC.add(ul, h('li', { class: 'card' },
        h('h2', { class: 'card-title' }, h('a', { href: '/ho-so-cua-toi/' + encodeURIComponent(d.code), text: d.procedure.name })),
        h('p', { class: 'meta' }, h('span', { text: 'Mã ' + d.code }), h('span', { class: 'status', text: d.status_label })),
        h('p', { class: 'meta', text: 'Nộp lúc ' + DVC.fmt.datetime(d.submitted_at) + (d.due_at ? ' · Hẹn trả ' + DVC.fmt.datetime(d.due_at) : '') }),
        ask ? h('p', {}, h('strong', { text: ask })) : null));
    });
    if (!ul.children.length) list.prepend(h('p', {}, 'Bạn chưa nộp hồ sơ nào. ', h('a', { href: '/thu-tuc', text: 'Tìm thủ tục để nộp' }), '.'));
    next = answer.data.next_page_token;
    more.hidden = !next;
  }
  more.addEventListener('click', page);
  page();
})();
