/* "Hồ sơ của tôi": the signed-in citizen's dossiers (the session cookie proves who asks). */
(function () {
  'use strict';
  var h = DVC.h;
  var list = document.getElementById('mine-list');
  if (!list) return;
  var more = document.getElementById('mine-more');
  var message = document.getElementById('mine-message');
  var next = null;
  var ul = h('ul', { class: 'cards' });
  DVC.add(list, ul);

  async function page() {
    var query = next ? '?page_token=' + encodeURIComponent(next) : '';
    var answer = await DVC.api('GET', '/v1/me/dossiers' + query);
    if (answer.status === 401) { location.replace('/dang-nhap?next=/ho-so-cua-toi'); return; }
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
