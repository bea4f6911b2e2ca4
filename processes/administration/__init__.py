"""processes/administration"""
