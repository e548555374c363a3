// Starts GraphiQL on the page that loaded it, asking the same path (/graphql) for answers.
"use strict";
(function () {
  const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, { fetcher: fetcher })
  );
})();
