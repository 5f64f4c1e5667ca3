"""Members' pages of 学习 on every site: my study, rankings, quizzes."""

from django.urls import path

from . import quiz_views, views

urlpatterns = [
    path("me/", views.my_study, name="learning_me"),
    path("ranking/", views.ranking, name="learning_ranking"),
    path("quiz/daily/", quiz_views.daily_quiz, name="learning_daily_quiz"),
    path("quiz/<int:quiz_id>/", quiz_views.quiz_page, name="learning_quiz"),
]
